"""Documents handed out (certificates, badges; letters next), made from each programme's
settings, with serials and QR codes to their public verification page."""

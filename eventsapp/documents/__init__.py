"""Documents handed out: certificates, badges (and next letters), made from each programme's settings,
with serials and QR codes to their public verification page."""

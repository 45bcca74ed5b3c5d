"""Operating the site: backups and the check of a production deployment's settings."""

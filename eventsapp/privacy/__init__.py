"""Data protection: the privacy notice and consent to it, retention, a person's own data
(``/account/data``) and erasure (``/account/erase``), keeping what statistics count."""

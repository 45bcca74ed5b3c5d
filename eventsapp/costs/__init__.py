"""Cost sharing: who pays what for every event, per partner, per delegate and per year."""

"""Travel: travel files, hotels and room blocks, lists for hotels and drivers, letters, per diem."""

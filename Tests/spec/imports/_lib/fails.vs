fn boom() { 1 / 0 }
boom()

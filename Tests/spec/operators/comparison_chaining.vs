# Comparisons do not chain: 1 < 2 < 3 compares true with 3.
print(1 < 2 < 3)
# expect error: cannot compare bool and int (operator <)

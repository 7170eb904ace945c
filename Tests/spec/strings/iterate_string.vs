for ch in "ab✓" { print(ch) }
# expect: a
# expect: b
# expect: ✓
for i, ch in "xy" { print(i, ch) }
# expect: 0 x
# expect: 1 y

# Format specs in interpolation: ${value:spec}.
let name = "gw"
let f = 3.14159
print("[${name:>6}] [${name:<6}] [${name:^6}] [${name:*^7}]")  # expect: [    gw] [gw    ] [  gw  ] [**gw***]
print("${f:.2} ${f:8.3}| ${2:.2} ${-f:.1}")  # expect: 3.14    3.142| 2.00 -3.1
print("${42:05} ${-42:06} ${7:+} ${1234567:,} ${1234567.891:,.2f}")  # expect: 00042 -00042 +7 1,234,567 1,234,567.89
print("${255:x} ${255:X} ${8:o} ${5:b} ${5:08b} ${0.256:.1%}")  # expect: ff FF 10 101 00000101 25.6%
print("${12345.678:.2e} ${"abcdef":.3} ${nil:>4}| ${true:>5} ${90s:>6}")  # expect: 1.23e+04 abc  nil|  true  1m30s

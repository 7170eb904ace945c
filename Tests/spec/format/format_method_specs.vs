print("{:>8}|{:<4}|{:.2}|{}".format("name", "ab", 2.0 / 3, "plain"))  # expect:     name|ab  |0.67|plain
print("{{:>3}} {:>3}".format(1))  # expect: {:>3}   1
print(format(1234.5, ",.1f"), format(3.14159, ".3"), format("x", "^5") + "|", format(7))  # expect: 1,234.5 3.142   x  | 7

# Found by the fuzzer: the empty string repeated 10^12 times looped 10^12 times.
print(len("" * 1000000000000), len("".repeat(1000000000000)))  # expect: 0 0

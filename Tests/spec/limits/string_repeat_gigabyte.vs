# Found by the fuzzer: a gigabyte string fed to a decoder kept one native step busy for seconds.
let s = "[" * 1000065535
# expect error: cannot repeat a string 1000065535 times
# expect error: at most 67108864 bytes

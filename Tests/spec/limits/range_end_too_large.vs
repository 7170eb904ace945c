let r = 0...9223372036854775807
# expect error: range end is too large

var n = 0
for i in 0..<9223372036854775807 { n += 1 }
# expect error: the step limit of

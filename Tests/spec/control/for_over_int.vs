for i in 5 { print(i) }
# expect error: cannot iterate over a int

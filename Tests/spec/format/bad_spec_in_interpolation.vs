let x = 1
print("${x:>8q}")
# expect error: bad format spec ">8q": "q" is not understood
# expect exit: 65

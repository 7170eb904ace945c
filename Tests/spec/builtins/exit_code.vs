print("leaving")  # expect: leaving
exit(3)
print("not reached")
# expect exit: 3

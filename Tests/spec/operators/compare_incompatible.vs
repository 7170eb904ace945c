print(1 < "2")
# expect error: cannot compare int and string (operator <)
# expect exit: 1

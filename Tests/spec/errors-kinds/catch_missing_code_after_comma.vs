try { print(1) } catch BUSY, { print(2) }
# expect error: expected an error code after the comma
# expect exit: 65

try { print(1) } catch BUSY as { print(2) }
# expect error: expected a name after as
# expect exit: 65

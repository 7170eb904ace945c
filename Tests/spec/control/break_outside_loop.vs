fn f() { break }
# expect error: break outside a loop
# expect exit: 65

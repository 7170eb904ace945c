defer { print("cleanup still runs") }
throw "failure"
# expect: cleanup still runs
# expect error: failure
# expect exit: 1

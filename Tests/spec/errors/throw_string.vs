print("before")  # expect: before
throw "plain text failure"
print("after")
# expect error: error: plain text failure
# expect exit: 1

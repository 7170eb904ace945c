print("abc".split(""))
# expect error: split(): the separator is empty
# expect error: use chars()

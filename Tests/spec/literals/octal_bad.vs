let m = 0o8
# expect error: octal literal 0o8 is not valid: use the digits 0 to 7 after 0o

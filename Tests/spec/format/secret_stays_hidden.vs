let pw = secret("hunter2")
print("[${pw:>10}] [${pw:.3}]", format(pw, "<9") + "|")  # expect: [  ********] [***] ******** |

print("{} of {}".format(1, 2))  # expect: 1 of 2
print("{{literal}} {}".format("x"))  # expect: {literal} x
print("none".format())  # expect: none

print("{} and {}".format(1))
# expect error: format(): more {} placeholders than arguments (1)

print([{name: "a", password: secret("x")}])
# expect: NAME  PASSWORD
# expect: a     ********

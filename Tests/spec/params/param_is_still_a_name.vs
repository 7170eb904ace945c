# `param` is a word only before a name: elsewhere it is an ordinary identifier.
var param = 1
param = param + 1
print(param)   # expect: 2

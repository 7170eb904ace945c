print(len(42))
# expect error: error[type]: len() of a int is not defined
# expect error: len works on strings, lists, maps, ranges and collections

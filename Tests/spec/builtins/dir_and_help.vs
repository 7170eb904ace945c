print(dir([]).contains("append"), dir("").contains("upper"), dir({a: 1})[0])  # expect: true true a
help(len)
# expect: len(value)
# expect:   The number of items, entries or characters.

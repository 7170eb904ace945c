print(nil)  # expect: nil
print(true)  # expect: true
print(false)  # expect: false
print(type(nil), type(true))  # expect: nil bool
print(nil == nil)  # expect: true
print(nil == false)  # expect: false

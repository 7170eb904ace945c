let s = """
    # not a comment
    text # still text
    """
print(s)
# expect: # not a comment
# expect: text # still text
print('#raw')  # expect: #raw

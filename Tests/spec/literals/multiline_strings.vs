fn text() {
    return """
        first
          indented
        last ${1 + 1}
        """
}
print(text())
# expect: first
# expect:   indented
# expect: last 2
let one = """single"""
print(one)  # expect: single
print(len("""
    ab
    """))  # expect: 2

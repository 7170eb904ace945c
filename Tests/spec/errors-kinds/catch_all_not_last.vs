try { print(1) } catch err { print(2) } catch NOT_FOUND { print(3) }
# expect error: this catch can never run: the catch before it takes every error
# expect exit: 65

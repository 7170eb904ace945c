# Bare names are looked up in the importing file's folder, then the search path.
import "greeting"
print(greeting.hello("lab"))  # expect: hello lab

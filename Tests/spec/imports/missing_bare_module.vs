import "no_such_module_anywhere"
# expect error: cannot find module "no_such_module_anywhere"
# expect error: set VCDSCRIPT_PATH to add folders

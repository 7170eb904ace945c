/// The version of the vcdscript language and tools.
public let vcdscriptVersion = "0.1.0"

// Tests reach `Subprocess` through this module.
@_exported import StepUpProcess

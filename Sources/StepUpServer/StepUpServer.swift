// StepUpServer

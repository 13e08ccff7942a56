// StepUpStore

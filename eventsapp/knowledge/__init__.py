"""Knowledge tests: a pre-test and a post-test per event, made of scored questions of the question
engine (with a test bank per programme), taken by participants or entered from paper; scores and
learning gain."""

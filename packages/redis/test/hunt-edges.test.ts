import { describeCases } from './corpus-runner.js'
import { HUNT_EDGE_CASES } from './corpus/hunt-edges.js'

describeCases('edges found side by side (ZINCRBY options, read-only globals)', HUNT_EDGE_CASES)

import { describeCases } from './corpus-runner.js'
import { STREAM_NODE_CASES } from './corpus/stream-nodes.js'

describeCases('stream nodes closed at 100 entries or 4 KiB, as approximate trimming shows', STREAM_NODE_CASES)

import { memoryStore } from '../../src/index.js'
import { storeContract } from './contract.js'

const store = memoryStore()
storeContract('memoryStore', () => store)

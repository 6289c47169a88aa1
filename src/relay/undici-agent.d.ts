// undici's Agent on its own (see forwarder.ts): the module's default export is the class.
declare module 'undici/lib/dispatcher/agent.js' {
  import { Agent } from 'undici';
  export default Agent;
}

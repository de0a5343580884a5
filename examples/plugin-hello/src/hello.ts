import { defineTaskType, PluginTaskFailure, prop, z } from '@osprey/plugin-sdk';

/** `com.example.hello.Hello`: greets `name`, `times` times, and stores the greeting as a file of the execution. */
export const Hello = defineTaskType({
  type: 'com.example.hello.Hello',
  description: 'Greets someone and stores the greeting as a file.',
  properties: z.object({
    name: prop.string().describe('Who to greet (expressions allowed).'),
    times: prop.integer().describe('How many times to log the greeting (1 by default).').optional(),
    shout: prop.boolean().describe('Upper-case the greeting.').optional(),
    style: prop.enumOf(['PLAIN', 'POLITE']).describe('PLAIN: "Hello, x!"; POLITE: "Good day, x."').optional(),
  }),
  outputs: z.object({
    greeting: z.string(),
    uri: z.string(),
  }),
  async run(properties, context) {
    const times = properties.times ?? 1;
    if (times < 1) throw new PluginTaskFailure(`times must be at least 1 but is ${times}`);
    const text = properties.style?.toUpperCase() === 'POLITE' ? `Good day, ${properties.name}.` : `Hello, ${properties.name}!`;
    const greeting = properties.shout ? text.toUpperCase() : text;
    for (let i = 0; i < times; i++) context.logger.info(greeting);
    context.metric({ name: 'greetings', type: 'counter', value: times });
    const uri = await context.storage.putFile('greeting.txt', `${greeting}\n`);
    return { greeting, uri };
  },
});

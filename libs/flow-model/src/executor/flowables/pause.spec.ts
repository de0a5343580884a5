import { Simulation, flow, log } from '../../testing/decide-simulation.js';

describe('Pause flowable', () => {
  it('a manual Pause pauses the execution until resumed', () => {
    const sim = new Simulation(flow(`tasks:\n  - id: wait\n    type: io.kestra.plugin.core.flow.Pause\n${log('after')}`)).run();
    expect(sim.state).toBe('PAUSED');
    expect(sim.run1('wait').state.current).toBe('PAUSED');
    sim.send({ type: 'resume' });
    expect(sim.order()).toEqual(['after']);
    expect(sim.state).toBe('SUCCESS');
    expect(sim.run1('wait').state.histories.map((h) => h.state)).toEqual(['CREATED', 'RUNNING', 'PAUSED', 'RUNNING', 'SUCCESS']);
  });

  it('a Pause with delay resumes itself; with timeout it fails', () => {
    const delayed = new Simulation(flow(`tasks:\n  - id: wait\n    type: io.kestra.plugin.core.flow.Pause\n    delay: PT1S\n${log('after')}`)).run();
    expect(delayed.state).toBe('SUCCESS');
    expect(delayed.order()).toEqual(['after']);
    const timedOut = new Simulation(flow(`tasks:\n  - id: wait\n    type: io.kestra.plugin.core.flow.Pause\n    timeout: PT1S\n${log('after')}`)).run();
    expect(timedOut.run1('wait').state.current).toBe('FAILED');
    expect(timedOut.state).toBe('FAILED');
    expect(timedOut.runs('after')).toHaveLength(0);
  });

  it("a Pause whose duration runs out follows its behavior: RESUME goes on, WARN ends it WARNING, FAIL fails it, CANCEL cancels the execution", () => {
    const paused = (behavior: string) =>
      new Simulation(flow(`tasks:\n  - id: wait\n    type: io.kestra.plugin.core.flow.Pause\n    pauseDuration: PT1S\n    behavior: ${behavior}\n${log('after')}`)).run();
    const resumed = paused('RESUME');
    expect([resumed.run1('wait').state.current, resumed.order(), resumed.state]).toEqual(['SUCCESS', ['after'], 'SUCCESS']);
    const warned = paused('WARN');
    expect([warned.run1('wait').state.current, warned.order(), warned.state]).toEqual(['WARNING', ['after'], 'WARNING']);
    const failed = paused('FAIL');
    expect([failed.run1('wait').state.current, failed.runs('after').length, failed.state]).toEqual(['FAILED', 0, 'FAILED']);
    const cancelled = paused('CANCEL');
    expect([cancelled.run1('wait').state.current, cancelled.runs('after').length, cancelled.state]).toEqual(['CANCELLED', 0, 'CANCELLED']);
  });

  it('a Pause resumed before its duration succeeds whatever its behavior', () => {
    const sim = new Simulation(flow(`tasks:\n  - id: wait\n    type: io.kestra.plugin.core.flow.Pause\n    pauseDuration: PT1H\n    behavior: FAIL\n${log('after')}`));
    expect(sim.drain().run1('wait').state.current).toBe('PAUSED');
    sim.send({ type: 'resume' });
    expect([sim.run1('wait').state.current, sim.order(), sim.state]).toEqual(['SUCCESS', ['after'], 'SUCCESS']);
  });

  it('a Pause whose delay or timeout comes from an input waits that long', () => {
    const delayed = new Simulation(flow(`inputs:\n  - id: delay\n    type: DURATION\ntasks:\n  - id: wait\n    type: io.kestra.plugin.core.flow.Pause\n    delay: "{{ inputs.delay }}"\n${log('after')}`), {
      inputs: { delay: 'PT5S' },
    }).run();
    expect(delayed.state).toBe('SUCCESS');
    expect(delayed.order()).toEqual(['after']);
    expect(Date.parse(delayed.run1('after').state.startDate) - Date.parse(delayed.run1('wait').state.startDate)).toBeGreaterThanOrEqual(5000);
    const timedOut = new Simulation(flow(`tasks:\n  - id: wait\n    type: io.kestra.plugin.core.flow.Pause\n    timeout: "{{ inputs.t }}"\n${log('after')}`), { inputs: { t: 'PT2S' } }).run();
    expect(timedOut.run1('wait').state.current).toBe('FAILED');
    expect(timedOut.state).toBe('FAILED');
  });
});

import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

/**
 * Gives partition N of every subscribed topic to the same member: the executor that owns the events of an
 * execution also reads that execution's state partition (`executions`), so it can restore it on assignment and
 * see late writes of a previous owner. The topics must have the same partition count.
 */
export const coPartitionAssigner: PartitionAssigner = ({ cluster }) => ({
  name: 'OspreyCoPartitionAssigner',
  version: 1,
  async assign({ members, topics }) {
    const memberIds = members.map((member) => member.memberId).sort();
    const assignment = new Map<string, Record<string, number[]>>(memberIds.map((id) => [id, {}]));
    for (const topic of topics) {
      const partitions = cluster
        .findTopicPartitionMetadata(topic)
        .map((metadata) => metadata.partitionId)
        .sort((a, b) => a - b);
      for (const partition of partitions) {
        const owner = assignment.get(memberIds[partition % memberIds.length]!)!;
        (owner[topic] ??= []).push(partition);
      }
    }
    return [...assignment].map(([memberId, topicPartitions]) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: this.version, assignment: topicPartitions, userData: Buffer.alloc(0) }),
    }));
  },
  protocol({ topics }) {
    return { name: this.name, metadata: AssignerProtocol.MemberMetadata.encode({ version: this.version, topics, userData: Buffer.alloc(0) }) };
  },
});

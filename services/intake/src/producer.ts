// The request path's producer: idempotent with acks -1 like the platform's, but with bounded
// retries — the platform's retries forever, and a resident (or WeChat, which waits 5 s) must get
// a 503 quickly when Kafka is down rather than a hanging request.
import { Partitioners, type Kafka, type Producer } from 'kafkajs';

export function createRequestPathProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 5,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
  });
}

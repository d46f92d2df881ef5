// One test class stops and starts RabbitMQ itself; every class here also starts real worker processes
// that would fight over the two cores. So the classes run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

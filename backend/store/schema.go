package store

// The bucket tree of avault.db. Keys and values are bytes; records are
// JSON of the job package's types. Times in keys are big-endian so that
// byte order is time order.
//
//	avault.db
//	├── meta
//	│   ├── schemaVersion        uint64, big-endian (see migrate.go)
//	│   └── keyCheck             the data key's check value (package secrets), absent until a key exists
//	├── settings
//	│   └── settings             job.Settings
//	├── credentials
//	│   └── <credential id>      job.Credential, never the secret
//	├── sealed
//	│   └── <credential id>      the sealed secret: version ‖ nonce ‖ ciphertext, the id as additional data
//	├── destinations
//	│   └── <destination id>     job.Destination
//	├── jobs
//	│   └── <job id>             job.Job
//	└── history
//	    ├── runs
//	    │   └── <run key>        job.Run; run key = startedAt (8 bytes) ‖ run id
//	    ├── ids
//	    │   └── <run id>         its run key
//	    ├── byJob                (since v2)
//	    │   └── <job id>/
//	    │       └── <run key>    empty; kept when the job is deleted without its history
//	    └── byStatus             (since v2)
//	        └── <STATUS>/
//	            └── <run key>    empty
//
// The run key's time is startedAt in Unix nanoseconds with the sign bit
// flipped, so that keys sort by start time and then by id.
var (
	bucketMeta         = []byte("meta")
	bucketSettings     = []byte("settings")
	bucketCredentials  = []byte("credentials")
	bucketSealed       = []byte("sealed")
	bucketDestinations = []byte("destinations")
	bucketJobs         = []byte("jobs")
	bucketHistory      = []byte("history")

	bucketRuns     = []byte("runs")     // in history
	bucketRunIDs   = []byte("ids")      // in history
	bucketByJob    = []byte("byJob")    // in history
	bucketByStatus = []byte("byStatus") // in history

	keySchemaVersion = []byte("schemaVersion")
	keyKeyCheck      = []byte("keyCheck")
	keySettings      = []byte("settings")
)

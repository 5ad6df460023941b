export namespace service {
	
	export class BrowseItem {
	    name: string;
	    path: string;
	    type: string;
	    size?: number;
	    // Go type: time
	    modified: any;
	    error?: string;
	
	    static createFrom(source: any = {}) {
	        return new BrowseItem(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.path = source["path"];
	        this.type = source["type"];
	        this.size = source["size"];
	        this.modified = this.convertValues(source["modified"], null);
	        this.error = source["error"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class BrowseResult {
	    path: string;
	    root: string;
	    items: BrowseItem[];
	
	    static createFrom(source: any = {}) {
	        return new BrowseResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.root = source["root"];
	        this.items = this.convertValues(source["items"], BrowseItem);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Channel {
	    id: string;
	    name: string;
	    kind: string;
	    disabled: boolean;
	    when: string[];
	    url?: string;
	    urlHost?: string;
	    smtpHost?: string;
	    smtpPort?: number;
	    smtpSecurity?: string;
	    username?: string;
	    password?: string;
	    passwordSet: boolean;
	    from?: string;
	    to?: string[];
	    token?: string;
	    tokenSet: boolean;
	    // Go type: time
	    lastSentAt?: any;
	    lastError?: string;
	    // Go type: time
	    lastErrorAt?: any;
	
	    static createFrom(source: any = {}) {
	        return new Channel(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.kind = source["kind"];
	        this.disabled = source["disabled"];
	        this.when = source["when"];
	        this.url = source["url"];
	        this.urlHost = source["urlHost"];
	        this.smtpHost = source["smtpHost"];
	        this.smtpPort = source["smtpPort"];
	        this.smtpSecurity = source["smtpSecurity"];
	        this.username = source["username"];
	        this.password = source["password"];
	        this.passwordSet = source["passwordSet"];
	        this.from = source["from"];
	        this.to = source["to"];
	        this.token = source["token"];
	        this.tokenSet = source["tokenSet"];
	        this.lastSentAt = this.convertValues(source["lastSentAt"], null);
	        this.lastError = source["lastError"];
	        this.lastErrorAt = this.convertValues(source["lastErrorAt"], null);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Choice {
	    id: string;
	    name: string;
	    kind: string;
	    hasSub: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Choice(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.kind = source["kind"];
	        this.hasSub = source["hasSub"];
	    }
	}
	export class Credential {
	    id: string;
	    name: string;
	    provider: string;
	    metadata?: Record<string, string>;
	    status: string;
	    // Go type: time
	    createdAt: any;
	    // Go type: time
	    updatedAt: any;
	
	    static createFrom(source: any = {}) {
	        return new Credential(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.provider = source["provider"];
	        this.metadata = source["metadata"];
	        this.status = source["status"];
	        this.createdAt = this.convertValues(source["createdAt"], null);
	        this.updatedAt = this.convertValues(source["updatedAt"], null);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Destination {
	    id: string;
	    name: string;
	    kind: string;
	    credentialId?: string;
	    remoteId: string;
	    folderPath?: string;
	    options?: Record<string, string>;
	    // Go type: time
	    createdAt: any;
	    // Go type: time
	    updatedAt: any;
	
	    static createFrom(source: any = {}) {
	        return new Destination(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.kind = source["kind"];
	        this.credentialId = source["credentialId"];
	        this.remoteId = source["remoteId"];
	        this.folderPath = source["folderPath"];
	        this.options = source["options"];
	        this.createdAt = this.convertValues(source["createdAt"], null);
	        this.updatedAt = this.convertValues(source["updatedAt"], null);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class OptionWhen {
	    key: string;
	    value: string;
	
	    static createFrom(source: any = {}) {
	        return new OptionWhen(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.key = source["key"];
	        this.value = source["value"];
	    }
	}
	export class OptionValue {
	    value: string;
	    label: string;
	
	    static createFrom(source: any = {}) {
	        return new OptionValue(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.value = source["value"];
	        this.label = source["label"];
	    }
	}
	export class Option {
	    key: string;
	    label: string;
	    help: string;
	    type: string;
	    default?: string;
	    example?: string;
	    choices?: OptionValue[];
	    min?: number;
	    max?: number;
	    when?: OptionWhen;
	    advanced?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Option(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.key = source["key"];
	        this.label = source["label"];
	        this.help = source["help"];
	        this.type = source["type"];
	        this.default = source["default"];
	        this.example = source["example"];
	        this.choices = this.convertValues(source["choices"], OptionValue);
	        this.min = source["min"];
	        this.max = source["max"];
	        this.when = this.convertValues(source["when"], OptionWhen);
	        this.advanced = source["advanced"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class DestinationField {
	    key: string;
	    label: string;
	    help?: string;
	    required: boolean;
	    secret: boolean;
	    option?: Option;
	
	    static createFrom(source: any = {}) {
	        return new DestinationField(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.key = source["key"];
	        this.label = source["label"];
	        this.help = source["help"];
	        this.required = source["required"];
	        this.secret = source["secret"];
	        this.option = this.convertValues(source["option"], Option);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class DestinationKind {
	    name: string;
	    title: string;
	    description: string;
	    fields: DestinationField[];
	
	    static createFrom(source: any = {}) {
	        return new DestinationKind(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.title = source["title"];
	        this.description = source["description"];
	        this.fields = this.convertValues(source["fields"], DestinationField);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Symlink {
	    path: string;
	    target: string;
	
	    static createFrom(source: any = {}) {
	        return new Symlink(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.target = source["target"];
	    }
	}
	export class FileFailure {
	    path: string;
	    reason: string;
	
	    static createFrom(source: any = {}) {
	        return new FileFailure(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.reason = source["reason"];
	    }
	}
	export class Excluded {
	    path: string;
	    isDir: boolean;
	    rule: string;
	
	    static createFrom(source: any = {}) {
	        return new Excluded(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.isDir = source["isDir"];
	        this.rule = source["rule"];
	    }
	}
	export class DryRun {
	    files: number;
	    bytes: number;
	    excluded: number;
	    skipped: number;
	    failed: number;
	    folders: number;
	    symlinks: number;
	    included?: string[];
	    excludedPaths?: Excluded[];
	    skippedPaths?: FileFailure[];
	    failedPaths?: FileFailure[];
	    symlinkPaths?: Symlink[];
	
	    static createFrom(source: any = {}) {
	        return new DryRun(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.files = source["files"];
	        this.bytes = source["bytes"];
	        this.excluded = source["excluded"];
	        this.skipped = source["skipped"];
	        this.failed = source["failed"];
	        this.folders = source["folders"];
	        this.symlinks = source["symlinks"];
	        this.included = source["included"];
	        this.excludedPaths = this.convertValues(source["excludedPaths"], Excluded);
	        this.skippedPaths = this.convertValues(source["skippedPaths"], FileFailure);
	        this.failedPaths = this.convertValues(source["failedPaths"], FileFailure);
	        this.symlinkPaths = this.convertValues(source["symlinkPaths"], Symlink);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	
	export class GoogleConnectInput {
	    name: string;
	    sharedDrives: boolean;
	    credentialId?: string;
	
	    static createFrom(source: any = {}) {
	        return new GoogleConnectInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.sharedDrives = source["sharedDrives"];
	        this.credentialId = source["credentialId"];
	    }
	}
	export class HistoryFilter {
	    jobId?: string;
	    status?: string;
	    limit?: number;
	    offset?: number;
	
	    static createFrom(source: any = {}) {
	        return new HistoryFilter(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.jobId = source["jobId"];
	        this.status = source["status"];
	        this.limit = source["limit"];
	        this.offset = source["offset"];
	    }
	}
	export class VerifyResult {
	    mode: string;
	    // Go type: time
	    checkedAt: any;
	    filesChecked: number;
	    missing: number;
	    mismatched: number;
	    problems?: FileFailure[];
	    errorMessage?: string;
	    notes?: string[];
	
	    static createFrom(source: any = {}) {
	        return new VerifyResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.mode = source["mode"];
	        this.checkedAt = this.convertValues(source["checkedAt"], null);
	        this.filesChecked = source["filesChecked"];
	        this.missing = source["missing"];
	        this.mismatched = source["mismatched"];
	        this.problems = this.convertValues(source["problems"], FileFailure);
	        this.errorMessage = source["errorMessage"];
	        this.notes = source["notes"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Run {
	    id: string;
	    jobId: string;
	    jobName: string;
	    jobDeleted?: boolean;
	    status: string;
	    trigger: string;
	    // Go type: time
	    startedAt: any;
	    // Go type: time
	    completedAt?: any;
	    filesScanned: number;
	    filesUploaded: number;
	    filesCopied: number;
	    filesSkipped: number;
	    filesFailed: number;
	    bytesScanned: number;
	    bytesUploaded: number;
	    bytesCopied: number;
	    remotePath?: string;
	    errorMessage?: string;
	    failures?: FileFailure[];
	    notes?: string[];
	    verify?: VerifyResult;
	
	    static createFrom(source: any = {}) {
	        return new Run(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.jobId = source["jobId"];
	        this.jobName = source["jobName"];
	        this.jobDeleted = source["jobDeleted"];
	        this.status = source["status"];
	        this.trigger = source["trigger"];
	        this.startedAt = this.convertValues(source["startedAt"], null);
	        this.completedAt = this.convertValues(source["completedAt"], null);
	        this.filesScanned = source["filesScanned"];
	        this.filesUploaded = source["filesUploaded"];
	        this.filesCopied = source["filesCopied"];
	        this.filesSkipped = source["filesSkipped"];
	        this.filesFailed = source["filesFailed"];
	        this.bytesScanned = source["bytesScanned"];
	        this.bytesUploaded = source["bytesUploaded"];
	        this.bytesCopied = source["bytesCopied"];
	        this.remotePath = source["remotePath"];
	        this.errorMessage = source["errorMessage"];
	        this.failures = this.convertValues(source["failures"], FileFailure);
	        this.notes = source["notes"];
	        this.verify = this.convertValues(source["verify"], VerifyResult);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class HistoryPage {
	    items: Run[];
	    total: number;
	    limit: number;
	    offset: number;
	
	    static createFrom(source: any = {}) {
	        return new HistoryPage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.items = this.convertValues(source["items"], Run);
	        this.total = source["total"];
	        this.limit = source["limit"];
	        this.offset = source["offset"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Job {
	    id: string;
	    name: string;
	    description?: string;
	    sourcePath: string;
	    destinationId: string;
	    schedule: string;
	    retentionType: string;
	    retentionCount?: number;
	    retentionDays?: number;
	    namePattern: string;
	    enabled: boolean;
	    catchUp: boolean;
	    incremental: boolean;
	    verifyUnchangedByHash: boolean;
	    onNoChange: string;
	    includes?: string[];
	    excludes?: string[];
	    useDefaultExcludes: boolean;
	    layout?: string;
	    folder?: string;
	    // Go type: time
	    lastRunAt?: any;
	    // Go type: time
	    nextRunAt?: any;
	    // Go type: time
	    createdAt: any;
	    // Go type: time
	    updatedAt: any;
	
	    static createFrom(source: any = {}) {
	        return new Job(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.description = source["description"];
	        this.sourcePath = source["sourcePath"];
	        this.destinationId = source["destinationId"];
	        this.schedule = source["schedule"];
	        this.retentionType = source["retentionType"];
	        this.retentionCount = source["retentionCount"];
	        this.retentionDays = source["retentionDays"];
	        this.namePattern = source["namePattern"];
	        this.enabled = source["enabled"];
	        this.catchUp = source["catchUp"];
	        this.incremental = source["incremental"];
	        this.verifyUnchangedByHash = source["verifyUnchangedByHash"];
	        this.onNoChange = source["onNoChange"];
	        this.includes = source["includes"];
	        this.excludes = source["excludes"];
	        this.useDefaultExcludes = source["useDefaultExcludes"];
	        this.layout = source["layout"];
	        this.folder = source["folder"];
	        this.lastRunAt = this.convertValues(source["lastRunAt"], null);
	        this.nextRunAt = this.convertValues(source["nextRunAt"], null);
	        this.createdAt = this.convertValues(source["createdAt"], null);
	        this.updatedAt = this.convertValues(source["updatedAt"], null);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class TrendBucket {
	    // Go type: time
	    start: any;
	    // Go type: time
	    end: any;
	    runs: number;
	    succeeded: number;
	    partial: number;
	    failed: number;
	    cancelled: number;
	
	    static createFrom(source: any = {}) {
	        return new TrendBucket(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.start = this.convertValues(source["start"], null);
	        this.end = this.convertValues(source["end"], null);
	        this.runs = source["runs"];
	        this.succeeded = source["succeeded"];
	        this.partial = source["partial"];
	        this.failed = source["failed"];
	        this.cancelled = source["cancelled"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class TrendPoint {
	    runId: string;
	    // Go type: time
	    startedAt: any;
	    status: string;
	    seconds: number;
	    bytesScanned: number;
	    bytesUploaded: number;
	    bytesCopied: number;
	    filesFailed: number;
	
	    static createFrom(source: any = {}) {
	        return new TrendPoint(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.runId = source["runId"];
	        this.startedAt = this.convertValues(source["startedAt"], null);
	        this.status = source["status"];
	        this.seconds = source["seconds"];
	        this.bytesScanned = source["bytesScanned"];
	        this.bytesUploaded = source["bytesUploaded"];
	        this.bytesCopied = source["bytesCopied"];
	        this.filesFailed = source["filesFailed"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class JobTrend {
	    jobId: string;
	    days: number;
	    // Go type: time
	    since: any;
	    points: TrendPoint[];
	    buckets: TrendBucket[];
	
	    static createFrom(source: any = {}) {
	        return new JobTrend(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.jobId = source["jobId"];
	        this.days = source["days"];
	        this.since = this.convertValues(source["since"], null);
	        this.points = this.convertValues(source["points"], TrendPoint);
	        this.buckets = this.convertValues(source["buckets"], TrendBucket);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class MetricsLastRun {
	    status: string;
	    // Go type: time
	    startedAt: any;
	    seconds: number;
	    filesScanned: number;
	    filesUploaded: number;
	    filesCopied: number;
	    filesSkipped: number;
	    filesFailed: number;
	    bytesScanned: number;
	    bytesUploaded: number;
	    bytesCopied: number;
	
	    static createFrom(source: any = {}) {
	        return new MetricsLastRun(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.status = source["status"];
	        this.startedAt = this.convertValues(source["startedAt"], null);
	        this.seconds = source["seconds"];
	        this.filesScanned = source["filesScanned"];
	        this.filesUploaded = source["filesUploaded"];
	        this.filesCopied = source["filesCopied"];
	        this.filesSkipped = source["filesSkipped"];
	        this.filesFailed = source["filesFailed"];
	        this.bytesScanned = source["bytesScanned"];
	        this.bytesUploaded = source["bytesUploaded"];
	        this.bytesCopied = source["bytesCopied"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class MetricsJob {
	    id: string;
	    name: string;
	    enabled: boolean;
	    lastRun?: MetricsLastRun;
	    // Go type: time
	    lastSuccess?: any;
	    storedBytes?: number;
	    versions?: number;
	
	    static createFrom(source: any = {}) {
	        return new MetricsJob(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.enabled = source["enabled"];
	        this.lastRun = this.convertValues(source["lastRun"], MetricsLastRun);
	        this.lastSuccess = this.convertValues(source["lastSuccess"], null);
	        this.storedBytes = source["storedBytes"];
	        this.versions = source["versions"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class MetricsSnapshot {
	    version: string;
	    jobs: MetricsJob[];
	    running: number;
	    waiting: number;
	    // Go type: time
	    now: any;
	
	    static createFrom(source: any = {}) {
	        return new MetricsSnapshot(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.version = source["version"];
	        this.jobs = this.convertValues(source["jobs"], MetricsJob);
	        this.running = source["running"];
	        this.waiting = source["waiting"];
	        this.now = this.convertValues(source["now"], null);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	
	
	export class Overview {
	    running: number;
	    waiting: number;
	    percent: number;
	    lastFailure?: Run;
	    paused: boolean;
	    jobs: Job[];
	
	    static createFrom(source: any = {}) {
	        return new Overview(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.running = source["running"];
	        this.waiting = source["waiting"];
	        this.percent = source["percent"];
	        this.lastFailure = this.convertValues(source["lastFailure"], Run);
	        this.paused = source["paused"];
	        this.jobs = this.convertValues(source["jobs"], Job);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Policy {
	    type: string;
	    count?: number;
	    days?: number;
	
	    static createFrom(source: any = {}) {
	        return new Policy(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.type = source["type"];
	        this.count = source["count"];
	        this.days = source["days"];
	    }
	}
	export class Progress {
	    jobId: string;
	    historyId: string;
	    status: string;
	    filesScanned: number;
	    bytesScanned: number;
	    scanDone: boolean;
	    filesUploaded: number;
	    filesCopied: number;
	    filesFailed: number;
	    bytesUploaded: number;
	    bytesDone: number;
	    currentFile: string;
	    uploadSpeed: number;
	    estimatedTimeRemaining: number;
	    timestamp: number;
	
	    static createFrom(source: any = {}) {
	        return new Progress(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.jobId = source["jobId"];
	        this.historyId = source["historyId"];
	        this.status = source["status"];
	        this.filesScanned = source["filesScanned"];
	        this.bytesScanned = source["bytesScanned"];
	        this.scanDone = source["scanDone"];
	        this.filesUploaded = source["filesUploaded"];
	        this.filesCopied = source["filesCopied"];
	        this.filesFailed = source["filesFailed"];
	        this.bytesUploaded = source["bytesUploaded"];
	        this.bytesDone = source["bytesDone"];
	        this.currentFile = source["currentFile"];
	        this.uploadSpeed = source["uploadSpeed"];
	        this.estimatedTimeRemaining = source["estimatedTimeRemaining"];
	        this.timestamp = source["timestamp"];
	    }
	}
	export class Queue {
	    waiting: number;
	    active: number;
	    completed: number;
	    failed: number;
	    timestamp: number;
	
	    static createFrom(source: any = {}) {
	        return new Queue(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.waiting = source["waiting"];
	        this.active = source["active"];
	        this.completed = source["completed"];
	        this.failed = source["failed"];
	        this.timestamp = source["timestamp"];
	    }
	}
	export class RestoreRequest {
	    jobId: string;
	    version: string;
	    path: string;
	    toDir: string;
	    overwrite: boolean;
	    intoSource: boolean;
	
	    static createFrom(source: any = {}) {
	        return new RestoreRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.jobId = source["jobId"];
	        this.version = source["version"];
	        this.path = source["path"];
	        this.toDir = source["toDir"];
	        this.overwrite = source["overwrite"];
	        this.intoSource = source["intoSource"];
	    }
	}
	export class RestoreResult {
	    files: number;
	    bytes: number;
	    filesFailed: number;
	    failures?: FileFailure[];
	    notes?: string[];
	
	    static createFrom(source: any = {}) {
	        return new RestoreResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.files = source["files"];
	        this.bytes = source["bytes"];
	        this.filesFailed = source["filesFailed"];
	        this.failures = this.convertValues(source["failures"], FileFailure);
	        this.notes = source["notes"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class RetentionVerdict {
	    name: string;
	    // Go type: time
	    created: any;
	    files: number;
	    bytes: number;
	    keep: boolean;
	    reason: string;
	    frees?: number;
	
	    static createFrom(source: any = {}) {
	        return new RetentionVerdict(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.created = this.convertValues(source["created"], null);
	        this.files = source["files"];
	        this.bytes = source["bytes"];
	        this.keep = source["keep"];
	        this.reason = source["reason"];
	        this.frees = source["frees"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class RetentionPreview {
	    policy: Policy;
	    // Go type: time
	    now: any;
	    versions: RetentionVerdict[];
	    kept: number;
	    deleted: number;
	    frees: number;
	
	    static createFrom(source: any = {}) {
	        return new RetentionPreview(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.policy = this.convertValues(source["policy"], Policy);
	        this.now = this.convertValues(source["now"], null);
	        this.versions = this.convertValues(source["versions"], RetentionVerdict);
	        this.kept = source["kept"];
	        this.deleted = source["deleted"];
	        this.frees = source["frees"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	
	export class S3CredentialInput {
	    name: string;
	    accessKeyId: string;
	    secretAccessKey: string;
	
	    static createFrom(source: any = {}) {
	        return new S3CredentialInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.accessKeyId = source["accessKeyId"];
	        this.secretAccessKey = source["secretAccessKey"];
	    }
	}
	export class ScheduleInfo {
	    description: string;
	    next: time.Time[];
	
	    static createFrom(source: any = {}) {
	        return new ScheduleInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.description = source["description"];
	        this.next = this.convertValues(source["next"], time.Time);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Settings {
	    nasRoot: string;
	    workerConcurrency: number;
	    transfersPerRun: number;
	    uploadLimit: number;
	    keySource: string;
	    notifications: string;
	    startHidden: boolean;
	    googleClientId?: string;
	    googleClientSecret?: string;
	    googleClientSecretSet: boolean;
	    webhookUrl?: string;
	    channels?: Channel[];
	    metricsPort?: number;
	    schedulesPaused: boolean;
	    launchAtLogin: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Settings(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.nasRoot = source["nasRoot"];
	        this.workerConcurrency = source["workerConcurrency"];
	        this.transfersPerRun = source["transfersPerRun"];
	        this.uploadLimit = source["uploadLimit"];
	        this.keySource = source["keySource"];
	        this.notifications = source["notifications"];
	        this.startHidden = source["startHidden"];
	        this.googleClientId = source["googleClientId"];
	        this.googleClientSecret = source["googleClientSecret"];
	        this.googleClientSecretSet = source["googleClientSecretSet"];
	        this.webhookUrl = source["webhookUrl"];
	        this.channels = this.convertValues(source["channels"], Channel);
	        this.metricsPort = source["metricsPort"];
	        this.schedulesPaused = source["schedulesPaused"];
	        this.launchAtLogin = source["launchAtLogin"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class StaleJob {
	    jobId: string;
	    jobName: string;
	    // Go type: time
	    lastSuccess?: any;
	    // Go type: time
	    since: any;
	
	    static createFrom(source: any = {}) {
	        return new StaleJob(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.jobId = source["jobId"];
	        this.jobName = source["jobName"];
	        this.lastSuccess = this.convertValues(source["lastSuccess"], null);
	        this.since = this.convertValues(source["since"], null);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Status {
	    version: string;
	    dataDir: string;
	    trayHost: boolean;
	    platform: string;
	    keySource: string;
	    keyError?: string;
	
	    static createFrom(source: any = {}) {
	        return new Status(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.version = source["version"];
	        this.dataDir = source["dataDir"];
	        this.trayHost = source["trayHost"];
	        this.platform = source["platform"];
	        this.keySource = source["keySource"];
	        this.keyError = source["keyError"];
	    }
	}
	
	export class VerifyReport {
	    mode: string;
	    // Go type: time
	    checkedAt: any;
	    filesChecked: number;
	    missing: number;
	    mismatched: number;
	    problems?: FileFailure[];
	    errorMessage?: string;
	    notes?: string[];
	    extra: number;
	
	    static createFrom(source: any = {}) {
	        return new VerifyReport(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.mode = source["mode"];
	        this.checkedAt = this.convertValues(source["checkedAt"], null);
	        this.filesChecked = source["filesChecked"];
	        this.missing = source["missing"];
	        this.mismatched = source["mismatched"];
	        this.problems = this.convertValues(source["problems"], FileFailure);
	        this.errorMessage = source["errorMessage"];
	        this.notes = source["notes"];
	        this.extra = source["extra"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Task {
	    id: string;
	    kind: string;
	    title: string;
	    jobId: string;
	    status: string;
	    filesDone: number;
	    filesTotal: number;
	    bytesDone: number;
	    bytesTotal: number;
	    etaSeconds: number;
	    currentFile?: string;
	    error?: string;
	    // Go type: time
	    startedAt: any;
	    // Go type: time
	    endedAt?: any;
	    restore?: RestoreResult;
	    verify?: VerifyReport;
	    preview?: DryRun;
	    credential?: Credential;
	
	    static createFrom(source: any = {}) {
	        return new Task(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.kind = source["kind"];
	        this.title = source["title"];
	        this.jobId = source["jobId"];
	        this.status = source["status"];
	        this.filesDone = source["filesDone"];
	        this.filesTotal = source["filesTotal"];
	        this.bytesDone = source["bytesDone"];
	        this.bytesTotal = source["bytesTotal"];
	        this.etaSeconds = source["etaSeconds"];
	        this.currentFile = source["currentFile"];
	        this.error = source["error"];
	        this.startedAt = this.convertValues(source["startedAt"], null);
	        this.endedAt = this.convertValues(source["endedAt"], null);
	        this.restore = this.convertValues(source["restore"], RestoreResult);
	        this.verify = this.convertValues(source["verify"], VerifyReport);
	        this.preview = this.convertValues(source["preview"], DryRun);
	        this.credential = this.convertValues(source["credential"], Credential);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class TreeEntry {
	    name: string;
	    path: string;
	    type: string;
	    size: number;
	    files?: number;
	    // Go type: time
	    modified?: any;
	
	    static createFrom(source: any = {}) {
	        return new TreeEntry(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.path = source["path"];
	        this.type = source["type"];
	        this.size = source["size"];
	        this.files = source["files"];
	        this.modified = this.convertValues(source["modified"], null);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	
	export class VersionUsage {
	    name: string;
	    layout: string;
	    only: number;
	
	    static createFrom(source: any = {}) {
	        return new VersionUsage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.layout = source["layout"];
	        this.only = source["only"];
	    }
	}
	export class Usage {
	    versions: VersionUsage[];
	    stored: number;
	
	    static createFrom(source: any = {}) {
	        return new Usage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.versions = this.convertValues(source["versions"], VersionUsage);
	        this.stored = source["stored"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	
	export class VersionOwner {
	    jobId: string;
	    runId: string;
	
	    static createFrom(source: any = {}) {
	        return new VersionOwner(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.jobId = source["jobId"];
	        this.runId = source["runId"];
	    }
	}
	export class VersionInfo {
	    name: string;
	    owner: VersionOwner;
	    // Go type: time
	    created: any;
	    files: number;
	    bytes: number;
	
	    static createFrom(source: any = {}) {
	        return new VersionInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.owner = this.convertValues(source["owner"], VersionOwner);
	        this.created = this.convertValues(source["created"], null);
	        this.files = source["files"];
	        this.bytes = source["bytes"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	

}


export namespace service {
	
	export class Status {
	    version: string;
	    dataDir: string;
	    trayHost: boolean;
	    platform: string;
	
	    static createFrom(source: any = {}) {
	        return new Status(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.version = source["version"];
	        this.dataDir = source["dataDir"];
	        this.trayHost = source["trayHost"];
	        this.platform = source["platform"];
	    }
	}

}

